"""The terminal demo's parts that need no bot: the seeded team, the console, the chat session."""
