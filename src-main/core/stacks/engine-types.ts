// The engine API shapes the converter produces (JSON field names as the Docker API spells them).

export type Labels = Record<string, string>;

export interface NetworkCreate {
  Labels: Labels;
  Driver: string;
  Options?: Record<string, string>;
  Internal: boolean;
  Attachable: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet: string }> };
}

export interface FileObjectSpec {
  Name: string;
  Labels: Labels;
  Data: string; // base64
  Driver?: { Name: string; Options?: Record<string, string> };
  Templating?: { Name: string };
}

export interface FileReference {
  File: { Name: string; UID: string; GID: string; Mode: number };
  SecretID?: string;
  SecretName?: string;
  ConfigID?: string;
  ConfigName?: string;
}

export interface Mount {
  Type: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean; Subpath?: string; Labels?: Labels; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number };
}

export interface UpdateConfigSpec {
  Parallelism: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: string;
}

export interface ServiceSpec {
  Name: string;
  Labels: Labels;
  TaskTemplate: {
    ContainerSpec: Record<string, unknown> & { Image: string };
    Resources: Record<string, unknown>;
    RestartPolicy?: Record<string, unknown>;
    Placement: Record<string, unknown>;
    LogDriver?: { Name?: string; Options?: Record<string, string> };
    Networks?: Array<{ Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }>;
    ForceUpdate?: number;
  };
  Mode: Record<string, unknown>;
  UpdateConfig?: UpdateConfigSpec;
  RollbackConfig?: UpdateConfigSpec;
  EndpointSpec: { Mode?: string; Ports?: Array<{ Protocol?: string; TargetPort: number; PublishedPort?: number; PublishMode?: string }> };
}
