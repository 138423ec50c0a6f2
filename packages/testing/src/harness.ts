import * as pulumi from "@pulumi/pulumi";
import {
    deserializeProperties,
    deserializeProperty,
    serializeProperties,
    specialSigKey,
    specialSecretSig,
    unknownValue,
} from "@pulumi/pulumi/runtime/rpc";
import { cannedCall, checkedInputs, createdParameters, DEFAULT_REGION, mockId, mockState } from "./canned";

/**
 * Internal to @pulumi/pulumi (absent from its typings) but stable for years: the mock monitor the
 * runtime talks to, and the promise that settles when every outstanding RPC has.
 */
export const runtimeSettings: { getMonitor(): unknown; waitForRPCs(): Promise<void> } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: no typed import path
    require("@pulumi/pulumi/runtime/settings");

/**
 * Pulumi wraps every promise it creates (about 16,000 in a prod run) in `debuggablePromise`, which
 * captures `new Error().stack` and sets three properties on the promise only to print them in the
 * leaked-promise report that PULUMI_DEBUG_PROMISE_LEAKS turns on. Formatting those traces (through
 * source maps) was about 40 % of a plan and half the test suite's CPU; the three property definitions
 * turn each promise into a slow dictionary object (another 5 % of the suite). Unless that variable is
 * set, the wrapper does only what the leak check needs: the first call goes through Pulumi's own
 * function (with an empty trace), which schedules the check at exit; later calls register the promise
 * as a leak candidate and forget it once it settles, exactly as Pulumi's does. Every real error's own
 * trace is kept; with PULUMI_DEBUG_PROMISE_LEAKS set, Pulumi's function runs untouched.
 */
function skipUnusedPromiseTraces(): void {
    /* eslint-disable @typescript-eslint/no-require-imports -- internal modules: no typed import path */
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
        debugPromiseLeaks: boolean;
        __citadel?: boolean;
    };
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (debuggable.__citadel || debuggable.debugPromiseLeaks) return;
    const original = debuggable.debuggablePromise;
    let exitCheckScheduled = false;
    debuggable.debuggablePromise = function <T>(p: Promise<T>, ctx: unknown): Promise<T> {
        if (!exitCheckScheduled) {
            exitCheckScheduled = true;
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                return original(p, ctx);
            } finally {
                Error.stackTraceLimit = limit;
            }
        }
        const store = state.getStore();
        store.leakCandidates.add(p);
        return p
            .then((val) => {
                store.leakCandidates.delete(p);
                return val;
            })
            .catch((err) => {
                store.leakCandidates.delete(p);
                err.promise = p;
                throw err;
            });
    };
    debuggable.__citadel = true;
}
skipUnusedPromiseTraces();

/**
 * Pulumi records where each resource was constructed (the source position and the whole stack of
 * frames, each parsed from `new Error().stack` with no frame limit and turned into a file URL) and
 * sends it with the registration for the engine's diagnostics. The mock monitor has no engine and
 * discards it; collecting it was about 5 % of the test suite's CPU. Once the mocks are installed the
 * registrations carry none, as from a runtime without stack information. Error traces are untouched.
 */
function skipSourcePositions(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: no typed import path
    const { Resource } = require("@pulumi/pulumi/resource") as {
        Resource: { stackTrace(skip: number): unknown[]; __citadel?: boolean };
    };
    if (Resource.__citadel) return;
    Resource.stackTrace = () => [];
    Resource.__citadel = true;
}

/**
 * Pulumi keeps the config as one JSON string (as the engine hands it to a program) and parses the
 * whole of it again for every `Config.get`: a stack program reading its 150 keys, run about 70 times
 * by the tests, spent 3 % of the suite's CPU in that `JSON.parse`. The parsed map is kept while the
 * string is the same; `setAllConfig` and `setConfig` replace the string, and the next read parses it.
 */
function parseConfigOncePerChange(): void {
    /* eslint-disable @typescript-eslint/no-require-imports -- internal modules: no typed import path */
    const config = require("@pulumi/pulumi/runtime/config") as {
        getConfig(k: string): string | undefined;
        allConfig(): Record<string, string>;
        configEnvKey: string;
        __citadel?: boolean;
    };
    const state = require("@pulumi/pulumi/runtime/state") as {
        getStore(): { config: Record<string, string | undefined> };
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (config.__citadel) return;
    let raw: string | undefined;
    let parsed: Record<string, string> = {};
    config.getConfig = (k: string): string | undefined => {
        const now = state.getStore().config[config.configEnvKey];
        if (now !== raw || now === undefined) {
            parsed = config.allConfig();
            raw = now;
        }
        return parsed[k];
    };
    config.__citadel = true;
}
parseConfigOncePerChange();

/** One resource the program registered, as the engine would have seen it. */
export interface RecordedResource {
    /** The type token: `aws:ec2/vpc:Vpc`, or a component's `citadel:network:SecureVpc`. */
    type: string;
    /** The logical name the resource was registered with. */
    name: string;
    /** The URN the engine would give it (project, stack, parent types, type and name). */
    urn: string;
    /** Mock id; absent for components. */
    id?: string;
    /** Logical name of the parent; absent for the stack's direct children. */
    parent?: string;
    /** The parent's URN; absent for the stack's direct children. */
    parentUrn?: string;
    /** True for a provider resource, false for a component. */
    custom: boolean;
    /** The `protect` resource option, as given or inherited from the parent. */
    protect: boolean;
    /** The `retainOnDelete` resource option, as given or inherited from the parent. */
    retainOnDelete: boolean;
    /** The `aliases` option as URNs (or, for a spec, its name): old identities the resource keeps. */
    aliases: string[];
    /** The `aliases` resource option as the engine receives it: full URNs or specs (see urns.ts). */
    aliasSpecs: AliasSpec[];
    /** What the mock runtime answered as the resource's outputs (ARN, name, URL...): what references resolve to. */
    outputs: Record<string, any>;
    /** Resolved inputs. Secret values are wrapped as `{ secret: value }` (see `redact`). */
    inputs: Record<string, any>;
    /**
     * What a component passed to `registerOutputs` (kept in the state like inputs), secrets wrapped
     * where they are; absent for custom resources and components that registered none.
     */
    registeredOutputs?: Record<string, unknown>;
    /** The URN the mock monitor gave (it differs from `urn`, see engineUrn). */
    mockUrn?: string;
}

/** One entry of the `aliases` option: a full old URN, or the parts that differ from the current one. */
export interface AliasSpec {
    /** A full old URN; when present, the other fields are absent. */
    urn?: string;
    /** The old logical name, when it differs. */
    name?: string;
    /** The old type token, when it differs. */
    type?: string;
    /** The old stack, when it differs. */
    stack?: string;
    /** The old project, when it differs. */
    project?: string;
    /** The old parent's URN; absent means "the current parent" unless `noParent`. */
    parentUrn?: string;
    /** True when the resource used to have no parent (a direct child of the stack). */
    noParent?: boolean;
}

function aliasSpecOf(a: any): AliasSpec {
    const urn = a.getUrn?.();
    if (urn) return { urn };
    const s = a.getSpec?.();
    if (!s) return {};
    const spec: AliasSpec = {};
    if (s.getName()) spec.name = s.getName();
    if (s.getType()) spec.type = s.getType();
    if (s.getStack()) spec.stack = s.getStack();
    if (s.getProject()) spec.project = s.getProject();
    if (s.getParenturn?.()) spec.parentUrn = s.getParenturn();
    if (s.getNoparent?.()) spec.noParent = true;
    return spec;
}

export interface Recording {
    /** Every registered resource and component, in registration order. */
    resources: RecordedResource[];
    /**
     * The stack's outputs as the program registered them: secret values wrapped where they are
     * (see `SecretValue`), as `pulumi preview` and the state would show them. Absent when the run
     * registered none (a component test).
     */
    stackOutputs?: Record<string, unknown>;
    /** Tokens of the lookups answered by canned values, in first-call order. */
    lookups: string[];
}

const recording: Recording = { resources: [], lookups: [] };
let stackUrn: string | undefined;
/** Mock monitor URN → the recorded resource, for the outputs a component registers later. */
const byMockUrn = new Map<string, RecordedResource>();
const urnToName = new Map<string, string>();
/** Mock monitor URN → the URN the engine would give (see engineUrn). */
const engineUrns = new Map<string, string>();
const STACK_TYPE = "pulumi:pulumi:Stack";

/** Marker for secret values in recorded inputs. */
export class SecretValue {
    constructor(readonly value: unknown) {}
    toJSON(): string {
        return "[secret]";
    }
}

/**
 * The registration's properties as plain values, each secret wrapped where it is. Pulumi's own
 * `deserializeProperties` lifts a nested secret to the top of its property (an `origins` array with
 * one secret header becomes one opaque secret), which is right for a program reading outputs but
 * hides everything else from a reader of the plan; `pulumi preview` shows the rest too.
 */
function leafProperties(v: unknown): unknown {
    if (v === unknownValue) return undefined;
    if (Array.isArray(v)) return v.map(leafProperties);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const sig = o[specialSigKey];
        if (sig === specialSecretSig) return new SecretValue(leafProperties(o.value));
        // Assets, archives, resource references and output values: Pulumi's reading of that node alone.
        if (sig !== undefined) return deserializeProperty(o);
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(o)) out[k] = leafProperties(o[k]);
        return out;
    }
    return v;
}

/** The value with secrets revealed: what policies and assertions look at. */
export function reveal<T = unknown>(v: unknown): T {
    if (v instanceof SecretValue) return reveal(v.value);
    if (Array.isArray(v)) return v.map(reveal) as T;
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)])) as T;
    }
    return v as T;
}

export interface MockOptions {
    /** The project name in URNs. @default "citadel" */
    project?: string;
    /** The stack name in URNs and `pulumi.getStack()`. @default "test" */
    stack?: string;
    /** Region the canned answers use; defaults to the `aws:region` config, else us-east-1. */
    region?: string;
}

/**
 * Installs the mock runtime and the recorder. `setMocks` is global (the last call wins), so this is
 * the only place that calls it; call it in a `before()` hook, never at import time.
 */
export function installMocks(opts: MockOptions = {}): void {
    const region = () => opts.region ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => {
            const checked = { ...args, inputs: checkedInputs(args.type, args.name, args.inputs) };
            return { id: mockId(checked), state: mockState(checked, { region: region() }) };
        },
        call: (args) => {
            if (!recording.lookups.includes(args.token)) recording.lookups.push(args.token);
            return cannedCall(args, { region: region() });
        },
    };
    pulumi.runtime.setMocks(mocks, opts.project ?? "citadel", opts.stack ?? "test", false);
    skipSourcePositions();

    // Pulumi's MockMonitor.registerResource, less the protobuf round trips that only a process
    // boundary needs: it turns the request's Struct into JavaScript, and the state it answers into a
    // Struct that the runtime turns back into JavaScript (and the recorder did both once more: four
    // conversions per resource, a tenth of a stack run). Here the request is read once, for the mocks
    // and the recording, and the answer carries the serialized state itself, in the shape of the
    // stand-in responses Pulumi's runtime makes when it has no monitor (getUrn, getId, getObject,
    // getPropertydependenciesMap, getResult). What the runtime and the mocks see is unchanged: the
    // state is JSON-shaped, which a Struct round trip returns as it was. MockResourceArgs carry
    // neither parent nor URN; the request and the answer carry both, for the recording.
    const monitor = runtimeSettings.getMonitor() as any;
    monitor.registerResource = async (req: any, callback: (err: any, resp: any) => void) => {
        try {
            const requested: Record<string, unknown> = req.getObject()?.toJavaScript() ?? {};
            const result = await mocks.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: deserializeProperties(asStruct(requested)),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
            });
            const urn: string = monitor.newUrn(req.getParent(), req.getType(), req.getName());
            const state: Record<string, unknown> = await serializeProperties("", result.state);
            monitor.resources.set(urn, { urn, id: result.id ?? null, state });
            const resp = {
                getUrn: () => urn,
                getId: () => result.id || "",
                getObject: () => asStruct(state),
                getPropertydependenciesMap: () => undefined,
                getResult: () => 0, // Result.SUCCESS
            };
            record(req, resp, requested, state);
            callback(null, resp);
        } catch (err) {
            callback(err, undefined);
        }
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        const registered = (leafProperties(req.getOutputs()?.toJavaScript() ?? {}) ?? {}) as Record<string, unknown>;
        if (req.getUrn() === stackUrn) {
            recording.stackOutputs = registered;
        } else {
            const r = byMockUrn.get(req.getUrn());
            if (r) r.registeredOutputs = registered;
        }
        return registerOutputs(req, callback);
    };
}

/**
 * The URN the engine would give: the mock monitor qualifies a type with its parent's type only,
 * the engine with the whole chain of parent types below the stack
 * (`citadel:orthanc:OrthancHost$citadel:shared:PostgresDatabase$aws:rds/instance:Instance`).
 * URN pinning compares these, so they must be the real ones.
 */
function engineUrn(mockUrn: string, parentUrn: string | undefined, type: string, name: string): string {
    const [head, project] = mockUrn.split("::");
    const parentType = parentUrn?.split("::")[2];
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `${head}::${project}::${qualified}::${name}`;
}

/**
 * A protobuf Struct's reading side (all that `deserializeProperties` and the runtime's response
 * handling call), for a value that never left JavaScript.
 */
function asStruct(value: Record<string, unknown>): Parameters<typeof deserializeProperties>[0] {
    return { toJavaScript: () => value } as unknown as Parameters<typeof deserializeProperties>[0];
}

function record(
    req: any,
    resp: { getUrn(): string; getId(): string },
    requested: Record<string, unknown>,
    state: Record<string, unknown>,
): void {
    const type: string = req.getType();
    const mockParent: string = req.getParent();
    const parentUrn: string | undefined = mockParent ? (engineUrns.get(mockParent) ?? mockParent) : undefined;
    const urn = engineUrn(resp.getUrn(), parentUrn, type, req.getName());
    engineUrns.set(resp.getUrn(), urn);
    urnToName.set(urn, req.getName());
    if (type === STACK_TYPE) {
        stackUrn = resp.getUrn();
        return;
    }
    const parentIsStack = !parentUrn || parentUrn.split("::")[2] === STACK_TYPE;
    const id: string = resp.getId();
    const recorded: RecordedResource = {
        type,
        name: req.getName(),
        urn,
        mockUrn: resp.getUrn(),
        id: req.getCustom() && id ? id : undefined,
        parent: parentIsStack ? undefined : urnToName.get(parentUrn),
        parentUrn: parentIsStack ? undefined : parentUrn,
        custom: req.getCustom(),
        protect: req.getProtect?.() ?? false,
        retainOnDelete: req.getRetainondelete?.() ?? false,
        aliases: (req.getAliasesList?.() ?? []).map((a: any) => a.getUrn?.() || a.getSpec?.()?.getName?.() || ""),
        aliasSpecs: (req.getAliasesList?.() ?? []).map(aliasSpecOf),
        outputs: (leafProperties(state) ?? {}) as Record<string, any>,
        inputs: checkedInputs(type, req.getName(), leafProperties(requested) as Record<string, any>),
    };
    recording.resources.push(recorded);
    byMockUrn.set(recorded.mockUrn!, recorded);
}

/** Forgets what was recorded; `capture` and `runStack` call it themselves. */
export function resetRecording(): void {
    createdParameters.clear();
    recording.resources = [];
    recording.lookups = [];
    recording.stackOutputs = undefined;
    stackUrn = undefined;
    byMockUrn.clear();
    urnToName.clear();
    engineUrns.clear();
}

/**
 * Runs `fn` (which constructs components) and returns every resource it registered once all
 * registrations, including those made inside `apply`, have settled.
 *
 * By default the run is isolated from whatever ran before: no stack config (so the canned region is
 * us-east-1) and a fresh mock runtime for the stack "test", so a component test sees the same world
 * whether or not a stack test ran first. `runStack` passes `isolate: false` to keep its own set-up.
 */
export async function capture(fn: () => unknown, opts: { isolate?: boolean } = {}): Promise<Recording> {
    if (opts.isolate ?? true) {
        pulumi.runtime.setAllConfig({});
        installMocks();
    }
    resetRecording();
    await fn();
    await runtimeSettings.waitForRPCs();
    return {
        resources: [...recording.resources],
        lookups: [...recording.lookups],
        ...(recording.stackOutputs ? { stackOutputs: recording.stackOutputs } : {}),
    };
}

/** Resolves an Output (or plain value) in a test. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(o).apply((v) => {
            resolve(v as T);
            return v;
        }),
    );
}

/** Resources of one type, optionally narrowed by a name pattern. */
export function ofType(rec: Recording | RecordedResource[], type: string, name?: RegExp): RecordedResource[] {
    const list = Array.isArray(rec) ? rec : rec.resources;
    return list.filter((r) => r.type === type && (!name || name.test(r.name)));
}

/**
 * The single resource with this logical name; throws if absent, so a typo fails the test. A
 * component and its main child often share a name (a SecureBucket "logs" holds the bucket "logs"):
 * then the custom resource is meant, unless `type` says otherwise.
 */
export function named(rec: Recording | RecordedResource[], name: string, type?: string): RecordedResource {
    const list = Array.isArray(rec) ? rec : rec.resources;
    let hits = list.filter((r) => r.name === name && (!type || r.type === type));
    if (hits.length > 1 && !type) hits = hits.filter((r) => r.custom);
    if (hits.length !== 1) {
        const prefix = name.split("-")[0];
        throw new Error(
            `expected one resource named ${name}${type ? ` of type ${type}` : ""}, found ${hits.length}; ` +
                `names like it: ${list
                    .map((r) => r.name)
                    .filter((n) => n.startsWith(prefix))
                    .slice(0, 30)
                    .join(", ")}`,
        );
    }
    return hits[0];
}

export { recording as currentRecording, STACK_TYPE };
