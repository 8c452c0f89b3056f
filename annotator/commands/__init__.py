"""CLI subcommands, one per module; each defines ``register(subparsers)``."""
