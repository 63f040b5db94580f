export { GenStage } from './io/gen-stage.js';
export type { OutputOf } from './stage/gen-stage.js';
export { StageCallbacks } from './stage/stage.js';
export { Producer } from './stage/producer.js';
export { ProducerConsumer } from './stage/producer-consumer.js';
export { Consumer } from './stage/consumer.js';
export { ActorHandle, Stage } from './stage/handle.js';
export type { InteropObservable, InteropObserver, InteropSubscription } from './io/observable.js';
export { Subscription } from './stage/subscription.js';
export type { FromIterableOptions, StreamOptions } from './io/iteration-options.js';
export type {
  StageKind, DemandManagement, CancelMode, DemandMode, BufferKeep, CancelReason, SubscribeOptions, SubscribeTo,
  ProducerOptions, StartOptions, CallResult, CallFrom, Emit,
} from './stage/types.js';
export type { Dispatcher, DispatcherHost, SubscribeRefusal } from './stage/dispatcher.js';
export { DemandDispatcher, type DemandDispatcherOptions } from './stage/demand-dispatcher.js';
export { BroadcastDispatcher } from './dispatchers/broadcast.js';
export { PartitionDispatcher, type PartitionDispatcherOptions } from './dispatchers/partition.js';
export { defaultHash } from './dispatchers/hash.js';
export { type Clock, type TimerHandle, systemClock } from './runtime/clock.js';
export { type Logger, setLogger, getLogger } from './runtime/logger.js';
export { Runtime, type RuntimeOptions } from './runtime/runtime.js';
export {
  type ExitReason, type NormalReason, type KernelReason, type UserReason, Reasons, isNormalReason, StageExitError, CallTimeoutError,
} from './runtime/reason.js';
export { ErrorCodes, type ErrorCode, type CodedError } from './runtime/errors.js';
export { WorkerError } from './runtime/worker-thread.js';
export * from './flow/index.js';
export {
  DynamicSupervisor, ConsumerSupervisor, TaskSupervisor, Task, superviseStage, StartChildError, TaskTimeoutError, workerTask,
  type WorkerTask, type WorkerTaskOptions,
  type DynamicSupervisorOptions, type ConsumerSupervisorOptions, type TaskSupervisorOptions, type AsyncStreamOptions,
  type SuperviseOptions, type StartedChild, type ChildInfo, type ChildCounts, type RestartMode, type Shutdown,
  type TaskFunction, type ProcessHandle, type TaskChildSpec, type ProcessChildSpec, type ChildSpec, type ChildType,
} from './supervisor/index.js';
export { channels, type ChannelName } from './runtime/diagnostics.js';
export type {
  ChannelMessages, StageStartMessage, StageExitMessage, SubscriptionStartMessage, SubscriptionCancelMessage, DemandMessage,
  EventsMessage, BufferDiscardMessage, ProduceMessage, SupervisorChildMessage,
} from './stage/channel-messages.js';
