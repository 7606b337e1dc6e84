import type { KeyflowConfig, ProviderName } from '../api/config';
import { KeyflowError } from '../api/errors';
import { clearKeyProvider } from './clearkey';
import { customProvider } from './custom';
import { expressPlayProvider } from './expressplay';
import type { Provider } from './preset';

/** Every provider preset, by the `provider` value that selects it. */
const PROVIDERS: Record<ProviderName, Provider<never, never>> = {
  expressplay: expressPlayProvider as Provider<never, never>,
  custom: customProvider as Provider<never, never>,
  clearkey: clearKeyProvider as Provider<never, never>,
};

/**
 * The provider preset selected by a configuration.
 *
 * @throws KeyflowError `INVALID_CONFIG` for an unknown provider name
 */
export function providerFor(config: KeyflowConfig): Provider<KeyflowConfig, unknown> {
  const name = (config as { provider?: unknown }).provider;
  const provider = typeof name === 'string' ? PROVIDERS[name as ProviderName] : undefined;
  if (!provider) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      `keyflow: unknown provider ${JSON.stringify(name)}; expected one of ${Object.keys(PROVIDERS).join(', ')}`,
    );
  }
  return provider as unknown as Provider<KeyflowConfig, unknown>;
}
