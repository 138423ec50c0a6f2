import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import * as sns from "@pulumi/aws/sns";
import {
    argKeys,
    awsContext,
    ConfigError,
    KeyOf,
    policyJson,
    requireEmailAddress,
    requirePublicHttpsUrl,
    requireArgs,
    withTags,
    TagsInput,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { alertKeyStatements, alertTopicStatements } from "./policies";

/** How a subscriber receives alerts. */
export enum SubscriptionProtocol {
    /** An email address; AWS sends a confirmation link that someone must click. */
    Email = "email",
    /** An HTTPS endpoint (a chat or paging webhook); it must confirm the subscription itself. */
    Https = "https",
}

/** One person or system that receives the stack's alerts. */
export interface AlertSubscriber {
    /** How the subscriber is notified (SNS subscription protocol). */
    protocol: SubscriptionProtocol;
    /** The address (`name@example.com`) or URL (`https://...`). */
    endpoint: string;
}

/**
 * Where a topic's resources lived before, so that adopting them keeps their URNs (and an existing
 * topic keeps its ARN and confirmed subscriptions) instead of replacing them.
 */
export interface PreviousAlertTopic {
    /** URN of the component that created them, e.g. an EcsApp's. */
    parentUrn: pulumi.Input<string>;
    /** Their name prefix there: the topic was `<name>`, its email subscriptions `<name>-email-<i>`. */
    name: string;
}

export interface AlertTopicArgs {
    /**
     * Who gets the alerts. A topic with no subscriber is silence: refused when the component is
     * created with `protect: true` (production). @default []
     */
    subscribers?: AlertSubscriber[];
    /** Resources of an earlier topic to adopt (URN aliases). @default - none: a new topic */
    previous?: PreviousAlertTopic;
    /** Days before a deleted key is gone, 7..30. @default 30 */
    keyDeletionWindowInDays?: number;
    /**
     * Tags for every taggable AWS resource this component creates (launch templates' instances and
     * volumes included), merged over the AWS provider's `defaultTags`. A tag a resource sets itself
     * (`Name`, `Patch Group`, the backup tag) keeps its value. Keys under `aws:` or `citadel:` are
     * refused, as is what AWS refuses (more than 45 tags, keys over 128 or values over 256
     * characters, characters other than letters, numbers, spaces and `_ . : / = + - @`), with a
     * ConfigError naming `tags`. See `withTags` in @citadel/shared and
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
     * @default {}
     */
    tags?: TagsInput;
}

/**
 * Validates the subscribers: each a bare email address or a public `https://` URL without
 * credentials (SNS would accept `http`, which sends alerts in clear text; see
 * requireEmailAddress and requirePublicHttpsUrl), no repeats (email addresses compared without
 * regard to case, as mail systems do), and at least one when the topic is protected.
 */
export function validateAlertTopicArgs(args: AlertTopicArgs, key: KeyOf, protect: boolean): AlertSubscriber[] {
    const subscribers = args.subscribers ?? [];
    if (!Array.isArray(subscribers))
        throw new ConfigError(key("subscribers"), subscribers, "is not a list", "[{ protocol, endpoint }]");
    const seen = new Set<string>();
    for (const s of subscribers) {
        if (s?.protocol === SubscriptionProtocol.Email) {
            requireEmailAddress(key("subscribers"), s.endpoint);
        } else if (s?.protocol === SubscriptionProtocol.Https) {
            requirePublicHttpsUrl(key("subscribers"), s.endpoint);
        } else {
            throw new ConfigError(key("subscribers"), s?.protocol, "is not a known protocol", "email | https");
        }
        const id = `${s.protocol}:${s.protocol === SubscriptionProtocol.Email ? s.endpoint.toLowerCase() : s.endpoint}`;
        if (seen.has(id)) {
            throw new ConfigError(
                key("subscribers"),
                s.endpoint,
                "is listed twice (addresses compared without regard to case)",
                "each subscriber once",
            );
        }
        seen.add(id);
    }
    if (protect && subscribers.length === 0) {
        throw new ConfigError(
            key("subscribers"),
            [],
            "leaves a protected stack's alerts unread",
            "at least one email address or HTTPS endpoint",
        );
    }
    if (args.keyDeletionWindowInDays !== undefined) {
        const d = args.keyDeletionWindowInDays;
        if (!Number.isInteger(d) || d < 7 || d > 30) {
            throw new ConfigError(key("keyDeletionWindowInDays"), d, "is out of range", "7..30 (days)");
        }
    }
    return subscribers;
}

/** Every argument of AlertTopicArgs, for refusing unknown ones (the compiler keeps this list exact). */
const ALERT_TOPIC_ARG_NAMES: ArgNames<AlertTopicArgs> = {
    subscribers: true,
    previous: true,
    keyDeletionWindowInDays: true,
    tags: true,
};

/**
 * The stack's alert topic: SNS encrypted with its own customer-managed key, whose key and topic
 * policies let CloudWatch alarms and EventBridge rules of this account publish, with email and
 * HTTPS subscribers. Every component's `alarms.topicArn` points here.
 */
export class AlertTopic extends pulumi.ComponentResource {
    /** The SNS topic's ARN: what `alarms.topicArn` of the other components takes. */
    readonly topicArn: pulumi.Output<string>;
    /** The topic's own KMS key. */
    readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("AlertTopic", name, args);
        const subscribers = validateAlertTopicArgs(args, argKeys("AlertTopic", name), opts?.protect === true);
        refuseUnknownArgs("AlertTopic", name, args, ALERT_TOPIC_ARG_NAMES);
        super(
            "citadel:operations:AlertTopic",
            name,
            {},
            withTags(argKeys("AlertTopic", name)("tags"), args.tags, opts),
        );
        const ctx = awsContext(this);
        const scope = pulumi
            .all([ctx.accountId, ctx.partition, ctx.region, ctx.dnsSuffix])
            .apply(([accountId, partition, region, dnsSuffix]) => ({ accountId, partition, region, dnsSuffix }));
        const alias = (n: string) =>
            args.previous ? [{ name: `${args.previous.name}${n}`, parent: args.previous.parentUrn }] : [];

        const key = new kms.Key(
            `${name}-key`,
            {
                description: `${name}: alert messages`,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
                policy: scope.apply((c) => policyJson(alertKeyStatements(c))),
            },
            { parent: this },
        );

        const topic = new sns.Topic(
            `${name}`,
            {
                displayName: `${name}: alarms and failed deployments`,
                kmsMasterKeyId: key.arn,
            },
            { parent: this, aliases: alias("") },
        );
        new sns.TopicPolicy(
            `${name}-policy`,
            {
                arn: topic.arn,
                policy: pulumi.all([scope, topic.arn]).apply(([c, arn]) => policyJson(alertTopicStatements(c, arn))),
            },
            { parent: this, aliases: alias("-policy") },
        );

        let email = 0;
        let https = 0;
        for (const s of subscribers) {
            const id = s.protocol === SubscriptionProtocol.Email ? `email-${email++}` : `https-${https++}`;
            new sns.TopicSubscription(
                `${name}-${id}`,
                {
                    topic: topic.arn,
                    protocol: s.protocol,
                    endpoint: s.endpoint,
                },
                { parent: this, aliases: alias(`-${id}`) },
            );
        }

        this.topicArn = topic.arn;
        this.kmsKeyArn = key.arn;
        this.registerOutputs({ topicArn: this.topicArn, kmsKeyArn: this.kmsKeyArn });
    }
}
