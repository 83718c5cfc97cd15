"""The Bot Connector channel as Teams serves it: bots, conversations, activities, rate limits."""
