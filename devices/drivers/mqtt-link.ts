// One connection to an MQTT broker for a device's link (transport.ts): subscribe to the topic a
// serial-to-MQTT gateway publishes the device's bytes to, hand each message's bytes on. The link
// does the reconnecting (with its backoff), so the client's own is off.
import mqtt from 'mqtt';

/**
 * A serial-to-MQTT gateway (devices.md §6: a ZLAN5143D, say) publishing what the device sends.
 * Receive only: `write` gives false. `payload` says how each message carries the bytes: as they
 * are (`raw`, the default), as hex text (`hex`), or as hex in a JSON object's `field` (`json`).
 */
export interface MqttLinkOptions {
  type: 'mqtt';
  /** The broker, e.g. mqtt://10.20.1.5:1883 (MQTT 3.1.1). */
  url: string;
  topic: string;
  payload?: 'raw' | 'hex' | 'json';
  /** With payload `json`: the field holding the hex (default "hex"). */
  field?: string;
  username?: string;
  password?: string;
  /** Give up a connection attempt after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

export interface MqttLinkHooks {
  /** Subscribed: the link is up (false: it was stopped meanwhile, and this connection ends). */
  up(): boolean;
  data(chunk: Uint8Array): void;
  error(e: Error): void;
  /** This connection is over, for `reason`. */
  ended(reason: string): void;
}

/** Connects and subscribes; returns how to end the connection. */
export function openMqttLink(o: MqttLinkOptions, hooks: MqttLinkHooks): (reason: string) => void {
  const client = mqtt.connect(o.url, {
    protocolVersion: 4, reconnectPeriod: 0, connectTimeout: o.connectTimeoutMs ?? 5000, username: o.username, password: o.password,
  });
  let over = false;
  let why = 'connection closed';
  const end = () => {
    if (over) return;
    over = true;
    client.removeAllListeners();
    client.on('error', () => {}); // late errors from a client we gave up on
    client.end(true, () => hooks.ended(why));
  };
  client.on('connect', () => {
    client.subscribe(o.topic, { qos: 1 }, (err) => {
      if (err) {
        hooks.error(err);
        why = `subscribing to ${o.topic}: ${err.message}`;
        return end();
      }
      if (!hooks.up()) end();
    });
  });
  client.on('message', (_topic, message) => {
    const chunk = mqttBytes(message, o);
    if (chunk instanceof Error) hooks.error(chunk);
    else hooks.data(chunk);
  });
  client.on('error', (e) => {
    why = e.message;
    hooks.error(e);
  });
  client.on('close', end);
  return (reason) => {
    why = reason;
    end();
  };
}

const HEX = /^(?:[0-9a-fA-F]{2}\s*)*$/;

/** The device's bytes in one MQTT message, or why there are none. */
export function mqttBytes(message: Buffer, o: Pick<MqttLinkOptions, 'payload' | 'field'>): Uint8Array | Error {
  if ((o.payload ?? 'raw') === 'raw') return message;
  let text = message.toString('utf8');
  if (o.payload === 'json') {
    try {
      const value = (JSON.parse(text) as Record<string, unknown> | null)?.[o.field ?? 'hex'];
      if (typeof value !== 'string') return new Error(`MQTT message without a "${o.field ?? 'hex'}" string`);
      text = value;
    } catch {
      return new Error('MQTT message is not JSON');
    }
  }
  if (!HEX.test(text.trim())) return new Error('MQTT message is not hex');
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
