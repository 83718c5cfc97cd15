"""In-memory stand-ins for the ports, for unit tests of the steps and the engine."""
