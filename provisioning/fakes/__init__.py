"""In-memory fakes of every port, for unit tests of step logic (like httpx's MockTransport)."""
