/** The `kycgate reviewers` line of the command's usage (apart, so the CLI can print it without the module). */
export const REVIEWERS_USAGE = `reviewers create --org ID --email EMAIL --name NAME [--role reviewer|admin]
                                          add a console reviewer; the password is read from stdin`;
