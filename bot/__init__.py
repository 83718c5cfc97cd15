"""The Teams surface: activity routing, command grammar, sign-in routes, authorization, notifier."""
