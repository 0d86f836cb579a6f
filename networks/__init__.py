"""networks: the operations behind the shops — identity signals read from listings, shop pages and
snapshots (``networks.signals``: licences, phones, WeChat, QQ, e-mail, image hashes, addresses, shop
names, with the tricks sellers use to hide them), the evidence rules that decide which shared signals
join two sellers (``networks.rules``), and the incremental grouping of sellers into networks with
stable ids (``networks.build``, networkx connected components), each network one case (案件线索).

It owns the unified social credit code check (``networks.uscc``, with the division table in
``networks/data``), which the web app words for readers.

It may import ``settings`` and ``storage`` (all SQL is in ``storage.networks``); ``brands.queueing``
calls ``networks.build.observe`` on the one path crawler → storage → scoring → queue, and the command
line, the scheduler, the crawler and the web app may import it.
"""
