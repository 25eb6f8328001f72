"""A TCP relay in front of a real redis-server that cuts its clients off for good at a chosen command.

Tests point a worker at ``relay.url``. The relay reads the clients' commands (RESP arrays), forwards them,
and once ``cut_when(command)`` is true for one, forwards that one (or, inside MULTI, up to its EXEC), drops
everything sent after it and closes every connection: the worker is left with exactly what it had sent
until then, as if its machine had been unplugged at that moment.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Command = list[bytes]


def split_commands(buffer: bytes) -> tuple[list[Command], bytes]:
    """The complete commands at the start of ``buffer`` and what is left of it."""
    commands = []
    while buffer.startswith(b"*"):
        parsed = _one_command(buffer)
        if parsed is None:
            break
        command, buffer = parsed
        commands.append(command)
    return commands, buffer


def _one_command(buffer: bytes) -> tuple[Command, bytes] | None:
    end = buffer.find(b"\r\n")
    if end < 0:
        return None
    args, pos = [], end + 2
    for _ in range(int(buffer[1:end])):
        end = buffer.find(b"\r\n", pos)
        if end < 0:
            return None
        start = end + 2
        length = int(buffer[pos + 1:end])
        if len(buffer) < start + length + 2:
            return None
        args.append(buffer[start:start + length])
        pos = start + length + 2
    return args, buffer[pos:]


class CuttingRelay:
    """Relays 127.0.0.1:<port> to a Redis port until ``cut_when`` picks a command (see the module)."""

    def __init__(self, redis_port: int, cut_when: Callable[[Command], bool]):
        self.redis_port = redis_port
        self.cut_when = cut_when
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.cut = threading.Event()
        self.lock = threading.Lock()  # one command checked and forwarded at a time, over all connections
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.redis_port))
            self.sockets += [client, server]
            threading.Thread(target=self._commands, args=(client, server), daemon=True).start()
            threading.Thread(target=self._replies, args=(server, client), daemon=True).start()

    def _commands(self, client: socket.socket, server: socket.socket) -> None:
        buffer, in_multi, cut_at_exec = b"", False, False
        while data := _receive(client):
            commands, buffer = split_commands(buffer + data)
            for command in commands:
                with self.lock:
                    if self.cut.is_set():
                        return
                    name = command[0].upper()
                    in_multi = (in_multi or name == b"MULTI") and name not in (b"EXEC", b"DISCARD")
                    cut_at_exec = cut_at_exec or self.cut_when(command)
                    server.sendall(_encode(command))
                    if cut_at_exec and not in_multi:
                        self._cut_off()
                        return

    def _replies(self, server: socket.socket, client: socket.socket) -> None:
        while data := _receive(server):
            try:
                client.sendall(data)
            except OSError:
                return

    def _cut_off(self) -> None:
        """Stop forwarding now; close every connection once the last replies are back."""
        self.cut.set()
        threading.Timer(0.5, self.close).start()

    def close(self) -> None:
        self.cut.set()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def wait_for_cut(self, timeout: float) -> bool:
        return self.cut.wait(timeout)


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _encode(command: Command) -> bytes:
    return b"*%d\r\n" % len(command) + b"".join(b"$%d\r\n%s\r\n" % (len(arg), arg) for arg in command)
