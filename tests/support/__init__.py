"""Helpers of the test suite: servers started for tests, and drivers of browser pages."""
