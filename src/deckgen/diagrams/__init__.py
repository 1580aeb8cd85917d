"""Mermaid diagrams as static SVG: cache keys and the committed cache, where a build gets
each diagram from, the headless-Chromium renderer, and mermaid's error lines mapped back."""
