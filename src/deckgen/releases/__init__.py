"""Releases: the lock (the last release's state), the plan of what a build ships against
it, versions and bumps, `deckgen diff` and the changelog."""
