"""The Teams administration API behind the MicrosoftTeams voice cmdlets ("ConfigAPI").

Paths and bodies from research/teams-voice-api.md §1 (go-teams, CIPP-API); Microsoft does not
document this API, so the shapes follow the cmdlets' parameter names.
"""
