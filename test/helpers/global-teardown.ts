interface Services {
  dynamo: { stop(): Promise<void> };
  fauxqs: { stop(): Promise<void> };
  moto: { stop(): Promise<void> };
}

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __services__?: Services }).__services__;
  if (!services) return;
  await Promise.all([services.dynamo.stop(), services.fauxqs.stop(), services.moto.stop()]);
}
