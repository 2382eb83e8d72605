"""The repository's ``config/`` folder, installed as package data (``khabar.config``): gazetteers, lexicons, the
default settings and the agencies' source registry, read with ``importlib.resources`` (see khabar.settings)."""
