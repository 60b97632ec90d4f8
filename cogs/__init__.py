"""One feature per module; each ends with ``async def setup(bot)``. The bot loads every module here."""
