// Files baked into the test image so real cloud-init reads Flotilla's NoCloud seed (volume label `cidata`:
// user-data, meta-data, network-config) exactly as on a user's cloud image, but boots fast under software
// emulation (TCG): only the NoCloud datasource is looked for, and only the modules the seed needs run
// (hostname, users and SSH keys, host keys, growing the root filesystem, runcmd), no apt updates.

/** /etc/cloud/cloud.cfg.d/99_flotilla.cfg: merged over Debian's cloud.cfg (lists here replace its lists). */
export const CLOUD_CFG = `# Flotilla test image: the NoCloud seed only, and only the modules its seed uses (fast boot under TCG)
datasource_list: [ NoCloud, None ]
datasource:
  NoCloud:
    fs_label: cidata
package_update: false
package_upgrade: false
package_reboot_if_required: false
apt:
  preserve_sources_list: true
manage_etc_hosts: true
resize_rootfs: true
ssh_deletekeys: true
# RSA key generation is the slowest under emulation and no client here needs it
ssh_genkeytypes: [ ed25519, ecdsa ]
system_info:
  network:
    renderers: [ networkd ]
cloud_init_modules:
  - seed_random
  - bootcmd
  - write-files
  - resizefs
  - set_hostname
  - update_hostname
  - update_etc_hosts
  - users-groups
  - ssh
cloud_config_modules:
  - runcmd
cloud_final_modules:
  - scripts-per-once
  - scripts-per-boot
  - scripts-per-instance
  - scripts-user
  - final-message
`;

/** Wait for one configured link, not all: the private NIC has a static address or none at all. */
export const WAIT_ONLINE_DROPIN = `[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
`;
