"""The replica: our own pages in the HTML structure of the source portals.

Served over real HTTP on 127.0.0.1 for the demo, the tests and the
benchmarks; it knows the ground truth of every page it serves
(``replica.truth``).

    from replica import Replica, ReplicaServer
    with ReplicaServer(Replica()) as server:
        print(server.base_url)

Modules: ``model`` (article record, content loading), ``synthetic``
(generated articles), ``faults`` (broken pages), ``images`` (image files),
``portals/`` (one renderer per CMS), ``responses`` (HTTP answers), ``site``
(routing), ``server`` (HTTP), ``truth`` (expected extraction).
"""

from replica.server import ReplicaServer
from replica.site import Replica

__all__ = ["Replica", "ReplicaServer"]
