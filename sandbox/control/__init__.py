"""The control API's view of the sandbox (``/_sandbox/``, not Microsoft's surface)."""
