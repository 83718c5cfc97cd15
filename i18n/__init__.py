"""The bot's words in the admin's language: texts marked in the code, catalogues per language."""
