"""Teams voice administration: dial plans, voice routing policies, PSTN usages, gateways,
voice routes, per-user grants and phone numbers, with the constraints Microsoft documents
(research/teams-voice-api.md §3, §4).
"""
