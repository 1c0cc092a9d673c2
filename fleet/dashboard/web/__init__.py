"""The web side: HTML pages, the JSON API, live updates (server-sent events) and /metrics."""
