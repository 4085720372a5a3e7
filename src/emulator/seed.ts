import type { SeedSizes } from './options';
import type { Portal } from './store';

// Placeholder: being written now.
export function seedPortal(_portal: Portal, _sizes: SeedSizes, _seedValue: number): void {}
