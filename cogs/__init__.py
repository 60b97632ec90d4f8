"""One feature per module or package; each ends with ``async def setup(bot)``. ``bot.client.EXTENSIONS`` lists them."""
