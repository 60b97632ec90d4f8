"""The benchmark: how fast the bot answers, how many votes it takes at once, how fast it starts, how much memory.

``python -m bench`` (after ``pip install -e '.[bench]'``). The stand-in of Discord runs in this process; each bot
under test runs in a child process (``python -m standin.launch``), so the memory and CPU measured are its own:

- ``run.py``: the steps, the same for both bots: the real bot, then the no-op floor (``noop_bot.py``);
- ``measure.py``: spawning a bot, its start-up, latency per interaction, a burst of votes;
- ``report.py``: the table, the chart and the JSON, checked against the targets.
"""
