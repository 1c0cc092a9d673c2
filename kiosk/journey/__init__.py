"""The journey as flows: a router over one module per flow, each owning its state and commands."""
