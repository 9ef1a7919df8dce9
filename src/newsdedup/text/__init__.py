"""Text: raw article text to normalised tokens.

``normalize`` (HTML, Unicode, case, accents, boilerplate lines) → ``tokenize``
(words or characters, hashed) ; ``boilerplate`` and ``learn`` learn, from a
sample of the corpus, the recurring lines and common words to leave out.
"""
