"""Question banks in and out of Moodle: Moodle XML and GIFT import and export.

The flow is the same for both formats and both directions:

* import: file → :class:`~trainer.exchange.items.Question` list (``moodle_xml.read`` or
  ``gift.read``) → a bank-format module (:mod:`trainer.exchange.tobank`), checked by the
  bank loader before anything is written;
* export: a loaded :class:`~trainer.bank.model.Module` → questions
  (:mod:`trainer.exchange.frombank`) → text (``moodle_xml.write`` or ``gift_write.write``).

Nothing here imports Textual. Untrusted files are bounded in size, depth and count before
they are parsed; every refusal is an :class:`~trainer.exchange.items.ImportRefused` carrying
``file:line: message``.
"""
