"""Start (or join) a Spark session, with one-line errors for the usual set-up problems.

Why checked here: without Java, PySpark fails with a page of gateway
traceback; with an unreachable standalone master it retries for a minute and
then hangs. Both are turned into :class:`~newsdedup.errors.NewsDedupError`
with an exit code before Spark is touched.

Example:
    >>> parse_java_version('openjdk version "17.0.15" 2025-04-15')
    17
    >>> parse_java_version('java version "1.8.0_292"')
    8
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from typing import Any
from urllib.parse import urlparse

from ..errors import BackendUnavailable, ConfigError

__all__ = ["JAVA_HELP", "get_session", "parse_java_version", "require_java"]

JAVA_HELP = (
    "Spark needs Java 17+ (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; "
    "macOS: brew install openjdk@17; or set JAVA_HOME to a Java 17+ installation)"
)


def parse_java_version(text: str) -> int | None:
    """The major version in the output of ``java -version`` (None if none is found)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def require_java() -> None:
    """Raise :class:`ConfigError` (exit 2) unless Java 17 or newer can be run."""
    java = _java()
    if java is None:
        raise ConfigError(JAVA_HELP)
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        raise ConfigError(JAVA_HELP) from None
    version = parse_java_version(out.stderr + out.stdout)
    if version is None or version < 17:
        raise ConfigError(f"{JAVA_HELP}; found {'Java ' + str(version) if version else java}")


def _check_master(master: str) -> None:
    """A standalone or Kubernetes master must accept a connection (else exit 3)."""
    if not master.startswith(("spark://", "k8s://")):
        return
    url = urlparse(master.removeprefix("k8s://") if master.startswith("k8s://") else master)
    hosts = [h for h in (url.netloc or url.path).split(",") if h]
    for host in hosts:
        name, _, port = host.rpartition(":")
        try:
            with socket.create_connection((name or host, int(port or 7077)), timeout=5):
                return
        except (OSError, ValueError):
            continue
    raise BackendUnavailable(f"Spark master {master} is unreachable")


def _under_spark_submit() -> bool:
    return "PYSPARK_GATEWAY_PORT" in os.environ


def get_session(
    master: str | None = "local[*]",
    app_name: str = "newsdedup",
    conf: dict[str, Any] | None = None,
) -> Any:
    """The active Spark session, or a new one on ``master``.

    Under ``spark-submit`` the session (and master) given there is used
    unless a master is passed explicitly. Workers run this Python
    (``PYSPARK_PYTHON``) unless it is set already.

    Raises:
        ConfigError: Java 17+ is missing (exit 2).
        BackendUnavailable: The master does not answer (exit 3).
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and (master is None or _under_spark_submit()):
        return active
    if not _under_spark_submit():
        require_java()
    builder = SparkSession.builder.appName(app_name)
    if master and not _under_spark_submit():
        _check_master(master)
        builder = builder.master(master)
    quiet = f"-Dlog4j2.configurationFile=file:{os.path.join(os.path.dirname(__file__), 'log4j2.properties')}"
    defaults = {
        "spark.driver.extraJavaOptions": quiet,
        "spark.executor.extraJavaOptions": quiet,
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.adaptive.enabled": "true",
    }
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, str(value))
    try:
        spark = builder.getOrCreate()
    except Exception as error:  # py4j / JVM start-up problems
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "JAVA_HOME" in text or "Java gateway" in text:
            raise ConfigError(JAVA_HELP) from None
        raise BackendUnavailable(f"cannot start Spark on {master}: {text}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark
