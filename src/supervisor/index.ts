export type { RestartMode, Shutdown, TaskFunction, ProcessHandle, TaskChildSpec, ProcessChildSpec, ChildSpec, ChildType } from './child-spec.js';
export type { ChildInfo, ChildCounts } from './child.js';
export { StartChildError, TaskTimeoutError } from './errors.js';
export { DynamicSupervisor, type DynamicSupervisorOptions, type StartedChild } from './dynamic-supervisor.js';
export { ConsumerSupervisor, type ConsumerSupervisorOptions } from './consumer-supervisor.js';
export { TaskSupervisor, Task, type TaskSupervisorOptions } from './task-supervisor.js';
export type { AsyncStreamOptions } from './async-stream.js';
export { superviseStage, type SuperviseOptions } from './supervise-stage.js';
export { workerTask, type WorkerTask, type WorkerTaskOptions } from './worker-task.js';
