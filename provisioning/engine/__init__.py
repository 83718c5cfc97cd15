"""Generic durable execution: steps, plans, the runner, its store and the notification outbox.

Nothing here knows Microsoft or tenants' voice setups; a domain brings its steps, its plan
parameters and its lifecycle hooks (DESIGN.md, the engine).
"""
