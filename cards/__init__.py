"""Adaptive Card 1.5 JSON built from small view models; every card is a pure function."""
