"""Fleet library: the kiosk's link to its supervisors (help requests, health, events)."""
