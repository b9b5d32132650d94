/**
 * Stands in for @smithy/core/event-streams in the functions' bundles. The SDK loads it for
 * operations that stream events (S3 SelectObjectContent and the like); no operation the
 * functions call does, so its codec and the checksums it carries (about 20 KB) stay out. A client
 * that wires the capability up still builds; an operation that would stream fails loudly.
 */
function missing(): never {
  throw new Error('ec2trail bundles no event-stream support, and this operation streams events');
}

const marshaller = { serialize: missing, deserialize: missing };

export const eventStreamSerdeProvider = () => marshaller;

export const resolveEventStreamSerdeConfig = <T extends object>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: marshaller });

export class EventStreamSerde {
  constructor() {
    missing();
  }
}
