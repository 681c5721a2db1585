"""The benchmark: the real bot process against the Telegram and Bitrix24 emulators on loopback."""
