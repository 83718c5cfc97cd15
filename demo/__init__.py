"""The embedded default (``make run``): the sandbox, the bot, the runner and the notifier on one
machine with SQLite, so a newcomer walks the whole flow in a browser."""
