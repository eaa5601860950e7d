/** The OpenDXL broker's default maximum message size (an encoded DXL envelope), 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
