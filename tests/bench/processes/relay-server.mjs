// The baseline: a raw Socket.IO relay on the same machine for the same clients — it acknowledges every
// dice:roll and broadcasts it to /overlay, with no authentication, validation or persistence.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 1e6 });
let seq = 0;
io.of('/vtt').on('connection', (socket) => {
  socket.on('dice:roll', (roll, ack) => {
    seq += 1;
    ack({ ok: true, seq });
    io.of('/overlay').emit('dice:roll', { seq, roll });
  });
});
io.of('/overlay').on('connection', () => {});
http.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${http.address().port}`, ownerToken: null });
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
