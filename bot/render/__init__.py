"""Pure rendering: plain rows in, what a member reads out (no discord, no SQL).

One module per feature (film, theories, quotes, spoiler_settings, errors) over the generic parts: ``markup``
(segments with spoiler levels, escaping, the channel's policy applied), ``limits`` (Discord's limits, pages and
embeds), ``answer`` (an answer before it meets a channel) and ``phrases`` (plurals, timestamps, echoes).
"""
