export { VirtualClock, settle } from './virtual-clock.js';
