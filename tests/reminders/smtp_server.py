"""A tiny SMTP server for the tests, run as a process of its own so that a test can kill and restart it.

``python -m tests.reminders.smtp_server PORT FOLDER``: every message accepted becomes a file in FOLDER named
after its delivery (the X-QCDC-Delivery header), written before the server answers 250, as a real server
queues a message before accepting it. Recipients whose address starts with ``bounce`` are refused with 550.
"""

import asyncio
import os
import sys
import uuid
from email.parser import BytesHeaderParser
from pathlib import Path


class Session:
    def __init__(self, folder: Path):
        self.folder = folder

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        def reply(line: str):
            writer.write(line.encode() + b"\r\n")

        reply("220 qcdc-test ESMTP")
        recipients = []
        try:
            while line := await reader.readline():
                command = line.decode("latin-1").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    reply("250-qcdc-test")
                    reply("250 8BITMIME")
                elif verb in ("HELO", "NOOP", "RSET"):
                    recipients = [] if verb == "RSET" else recipients
                    reply("250 OK")
                elif verb == "MAIL":
                    recipients = []
                    reply("250 OK")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].strip().strip("<>")
                    if address.lower().startswith("bounce"):
                        reply("550 5.1.1 No such mailbox")
                    else:
                        recipients.append(address)
                        reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    data = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    self.store(bytes(data))
                    reply("250 OK queued")
                elif verb == "QUIT":
                    reply("221 Bye")
                    await writer.drain()
                    break
                else:
                    reply("502 Command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def store(self, data: bytes):
        headers = BytesHeaderParser().parsebytes(data)
        delivery = (headers.get("X-QCDC-Delivery") or "none").strip()
        name = f"{delivery}-{uuid.uuid4().hex}.eml"
        partial = self.folder / f".{name}.part"
        with open(partial, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        partial.rename(self.folder / name)


async def serve(port: int, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    server = await asyncio.start_server(Session(folder).handle, "127.0.0.1", port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2])))
