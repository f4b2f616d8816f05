/* bootchain: the suite's front end. Each subcommand lives with the folder that
 * owns its concern; all are linked into one binary. */
#ifndef BOOTCHAIN_H
#define BOOTCHAIN_H

#define BOOTCHAIN_VERSION "0.1.0"

/* Subcommands: argv[0] is the subcommand name. Return the process exit status. */
int bc_cmd_matrix(int argc, char **argv);     /* bootchain/matrix/ */
int bc_cmd_inspect(int argc, char **argv);    /* hypervisor/host/ */
int bc_cmd_decompress(int argc, char **argv); /* hypervisor/host/ */
int bc_cmd_extract(int argc, char **argv);    /* hypervisor/host/ */
int bc_cmd_initramfs(int argc, char **argv);  /* initramfs/ */

#endif
