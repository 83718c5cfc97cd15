"""The sandbox's HTTP surfaces (aiohttp) and the process that serves them."""
