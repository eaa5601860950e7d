/**
 * Admission of client connections while the fabric's own services start. After a restart, clients
 * reconnect at once; had they reached the broker before the TIE simulator registered, a request
 * that waited for the connection would fail with "unable to locate service". Their connections are
 * held instead (TLS done, MQTT CONNECT not yet read) until the services are up; the services' own
 * client is let through at once.
 */
import type { ClientIdentity } from './client-identity';
import type { AcceptConnection } from './listeners';

export class ServiceFirstAdmission {
  private open = false;
  private readonly held: Array<() => void> = [];

  constructor(
    private readonly accept: AcceptConnection,
    private readonly isServiceClient: (identity: ClientIdentity) => boolean,
  ) {}

  /** The listeners' accept: hands a connection on now, or once the services are up. */
  readonly admit: AcceptConnection = (transport, identity, request) => {
    if (this.open || this.isServiceClient(identity)) {
      this.accept(transport, identity, request);
      return;
    }
    this.held.push(() => {
      if (!transport.destroyed) this.accept(transport, identity, request);
    });
  };

  /** The services are up (or there are none): every held connection goes on, and later ones at once. */
  openToAll(): void {
    this.open = true;
    for (const release of this.held.splice(0)) release();
  }
}
