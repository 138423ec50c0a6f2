import { Rule } from "../rule";
import { asgLaunchTemplate, asgMultiAz, encryptedVolumes, imdsV2 } from "./compute";
import {
    defaultRootObject, distributionLogging, distributionWaf, originHttps, viewerSni, s3OriginAccessControl, viewerHttps, viewerTls,
    wafHasRules, wafLogging, wafMetrics,
} from "./cloudfront";
import {
    ecrImmutableTags, ecrLifecyclePolicy, ecrScanOnPush, kmsKeyNotPublic, kmsRotation, logGroupRetentionAndKms, noDataReadOnAll, noManagedDataReader,
    noDecryptOnAllKeys, noEcrDestructiveAllow, noFullAdmin, sqsEncrypted,
} from "./data";
import {
    capacityProviderTerminationProtection, containerInsights, containerLogging, nonRootUser, noHostNetwork, noPrivilegedContainers, noSecretsInEnvironment,
    readonlyRootFilesystem, serviceNoPublicIp,
} from "./ecs";
import {
    accessLogs, deletionProtection, desyncMitigation, dropInvalidHeaders, httpListenerRulesRedirect, httpRedirectsToHttps, tlsPolicy,
} from "./elb";
import {
    codeDeployAutoRollback, docdbAuditLogs, docdbBackupRetention, docdbEncrypted, docdbParameterGroup, launchTemplateNoPublicIp,
} from "./deploy-docdb";
import { defaultSecurityGroupClosed, noWorldIngress, subnetNoPublicIp, vpcFlowLogs } from "./network";
import {
    autoMinorUpgrade, backupRetention, dbDeletionProtection, iamAuthentication, logExports, managedMasterPassword,
    multiAz, notPublic, storageEncrypted,
} from "./rds";
import { alarmCoverage, backupCoverage, cloudTrailBaseline, configRecorder, snsEncrypted } from "./operations";
import {
    elasticacheAtRest, elasticacheAuth, elasticacheFailover, elasticacheInTransit, elasticacheMinorUpgrades, elasticacheSnapshots,
    elasticacheSubnetGroup, malwareTagging, opensearchAtRest, opensearchDataNodes, opensearchFineGrained, opensearchInVpc,
    opensearchLogging, opensearchMasters, opensearchNodeToNode, opensearchTls, opensearchUpdates, uploadsDenyUnscanned,
} from "./data-stores";
import {
    alarmActionsEnabled, backupVaultEncrypted, copyTagsToSnapshots, customAdminUsername, docdbDeletionProtection,
    fargateLatestPlatform, noHostPid, passwordPolicy,
} from "./fsbp-more";
import {
    asgElbHealthCheck, asgMultipleInstanceTypes, ebsBackupCoverage, enhancedMonitoring, instanceNoPublicIp, loadBalancerMultiAz,
    nonDefaultPort, postgresForceSsl, s3NoCrossAccountAdmin, secretRotation, singleEni, snsNotPublic, sqsNotPublic, vpcEc2Endpoint,
} from "./fsbp-audit";
import { accessLogging, accessLogTarget, kmsEncryption, lifecycle, noAcls, publicAccessBlock, sslOnly, versioning } from "./s3";

/** Every rule of the pack, in the order reports list them. */
export const RULES: readonly Rule[] = [
    // Network
    vpcFlowLogs, defaultSecurityGroupClosed, subnetNoPublicIp, noWorldIngress,
    // EC2 and Auto Scaling
    imdsV2, encryptedVolumes, asgLaunchTemplate, asgMultiAz, launchTemplateNoPublicIp, asgElbHealthCheck, asgMultipleInstanceTypes,
    instanceNoPublicIp, singleEni, vpcEc2Endpoint, ebsBackupCoverage,
    // CodeDeploy
    codeDeployAutoRollback,
    // Load balancers
    httpRedirectsToHttps, httpListenerRulesRedirect, dropInvalidHeaders, accessLogs, deletionProtection, desyncMitigation, tlsPolicy,
    loadBalancerMultiAz,
    // ECS
    noPrivilegedContainers, readonlyRootFilesystem, noSecretsInEnvironment, containerLogging, serviceNoPublicIp,
    containerInsights, noHostNetwork, noHostPid, fargateLatestPlatform, nonRootUser, capacityProviderTerminationProtection,
    // RDS
    storageEncrypted, notPublic, backupRetention, autoMinorUpgrade, iamAuthentication, logExports, multiAz,
    dbDeletionProtection, managedMasterPassword, copyTagsToSnapshots, customAdminUsername, enhancedMonitoring, nonDefaultPort,
    postgresForceSsl,
    // DocumentDB
    docdbEncrypted, docdbBackupRetention, docdbAuditLogs, docdbParameterGroup, docdbDeletionProtection,
    // S3
    publicAccessBlock, sslOnly, kmsEncryption, versioning, accessLogging, accessLogTarget, lifecycle, noAcls, s3NoCrossAccountAdmin,
    // CloudFront and WAF
    viewerHttps, distributionWaf, distributionLogging, viewerTls, s3OriginAccessControl, originHttps, defaultRootObject, viewerSni,
    wafHasRules, wafMetrics, wafLogging,
    // Keys, identities, queues, logs, images
    kmsRotation, kmsKeyNotPublic, noFullAdmin, noDecryptOnAllKeys, noDataReadOnAll, noManagedDataReader, noEcrDestructiveAllow, sqsEncrypted,
    sqsNotPublic, snsNotPublic, secretRotation, logGroupRetentionAndKms,
    ecrScanOnPush, ecrImmutableTags, ecrLifecyclePolicy,
    // Operations: audit, configuration compliance, backups, alerts
    cloudTrailBaseline, configRecorder, backupCoverage, snsEncrypted, alarmCoverage, alarmActionsEnabled,
    backupVaultEncrypted, passwordPolicy,
    // ElastiCache
    elasticacheSnapshots, elasticacheMinorUpgrades, elasticacheFailover, elasticacheAtRest, elasticacheInTransit,
    elasticacheAuth, elasticacheSubnetGroup,
    // OpenSearch
    opensearchAtRest, opensearchInVpc, opensearchNodeToNode, opensearchLogging, opensearchDataNodes, opensearchFineGrained,
    opensearchTls, opensearchUpdates, opensearchMasters,
    // Uploads scanned for malware
    malwareTagging, uploadsDenyUnscanned,
];

export function ruleNamed(name: string): Rule | undefined {
    return RULES.find((r) => r.name === name);
}

export { T } from "./types";
export { looksSecret } from "./ecs";
export { RECOMMENDED_SSL_POLICIES } from "./elb";
