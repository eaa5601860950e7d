import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { type ClientIdentity, identityOfPeer } from './client-identity';
import { logValue } from './log-text';

/** The broker's TLS material; clients must present a certificate issued by `ca`. */
export interface ServerTls {
  ca: string;
  cert: string;
  key: string;
}

export type AcceptConnection = (transport: Duplex, identity: ClientIdentity, request?: IncomingMessage) => void;

export interface ListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: ServerTls;
  accept: AcceptConnection;
  log?: (line: string) => void;
}

export interface Listener {
  readonly port: number;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/** WebSocket sub-protocols of MQTT that DXL clients offer. */
const MQTT_SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];

function tlsOptions(material: ServerTls): tls.TlsOptions {
  // Verify the client's chain against our CA and refuse clients without a certificate.
  return { ca: material.ca, cert: material.cert, key: material.key, requestCert: true, rejectUnauthorized: true };
}

/** Remembers sockets so that close() can end them instead of waiting for clients to leave. */
function trackSockets(server: tls.Server): Set<tls.TLSSocket> {
  const sockets = new Set<tls.TLSSocket>();
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: tls.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: tls.Server, sockets: Set<tls.TLSSocket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

function refusalLogger(log: (line: string) => void): (error: Error, socket: tls.TLSSocket) => void {
  return (error, socket) => {
    log(`refused a TLS client from ${socket.remoteAddress ?? 'unknown'}: ${logValue(error.message)}`);
    socket.destroy();
  };
}

/** MQTT over TLS with required client certificates. */
export async function startTlsListener(options: ListenerOptions): Promise<Listener> {
  const log = options.log ?? (() => undefined);
  const server = tls.createServer(tlsOptions(options.tls), (socket) => {
    const identity = identityOfPeer(socket);
    if (!identity) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    options.accept(socket, identity);
  });
  const sockets = trackSockets(server);
  server.on('tlsClientError', refusalLogger(log));
  const port = await listen(server, options.host, options.port);
  return { port, close: () => closeServer(server, sockets) };
}

export interface WebSocketListenerOptions extends ListenerOptions {
  /** Largest WebSocket message accepted; a larger one closes the connection. */
  maxFrameBytes: number;
}

/** MQTT over secure WebSockets with required client certificates, on any path. */
export async function startWebSocketListener(options: WebSocketListenerOptions): Promise<Listener> {
  const log = options.log ?? (() => undefined);
  const server = https.createServer(tlsOptions(options.tls), (_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  const webSockets = new WebSocketServer({
    server,
    maxPayload: options.maxFrameBytes,
    handleProtocols: (offered) => MQTT_SUBPROTOCOLS.find((protocol) => offered.has(protocol)) ?? false,
  });
  webSockets.on('connection', (socket, request) => {
    const identity = identityOfPeer(request.socket as tls.TLSSocket);
    if (!identity) {
      socket.terminate();
      return;
    }
    const stream = createWebSocketStream(socket);
    stream.on('error', () => undefined);
    options.accept(stream, identity, request);
  });
  webSockets.on('error', (error) => log(`WebSocket listener: ${logValue(error.message)}`));
  const sockets = trackSockets(server);
  server.on('tlsClientError', refusalLogger(log));
  const port = await listen(server, options.host, options.port);
  return {
    port,
    close: async () => {
      for (const client of webSockets.clients) client.terminate();
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
      await closeServer(server, sockets);
    },
  };
}
