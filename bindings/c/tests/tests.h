/* The C tests, in the order main.c runs them. */
#ifndef FW_TESTS_H
#define FW_TESTS_H

#define FW_TEST_LIST(X)                                                                            \
    X(test_seed_walkthrough)                                                                       \
    X(test_instructions_and_urls)                                                                  \
    X(test_save_refuses_existing_key)                                                              \
    X(test_custom_file_and_key)                                                                    \
    X(test_cave_layout)                                                                            \
    X(test_token_shared_live)                                                                      \
    X(test_malformed_secret_file)                                                                  \
    X(test_broken_secret_file_has_a_way_out)                                                       \
    X(test_instructions_work_when_a_token_is_saved)                                                \
    X(test_server_addresses_as_typed)                                                              \
    X(test_invalid_utf8)                                                                           \
    X(test_invalid_token_format)                                                                   \
    X(test_environment)                                                                            \
    X(test_token_lookup_conventions)                                                               \
    X(test_bad_values)                                                                             \
    X(test_result_names)                                                                           \
    X(test_token_source_names)                                                                     \
    X(test_version)                                                                                \
    X(test_error_accessors)                                                                        \
    X(test_nullable_arguments)                                                                     \
    X(test_requests_use_the_saved_token)                                                           \
    X(test_request_headers_received)                                                               \
    X(test_request_errors)                                                                         \
    X(test_cancel_and_request_timeout)                                                             \
    X(test_untrusted_origin_withheld)                                                              \
    X(test_insecure_url_refused)                                                                   \
    X(test_service_calls)                                                                          \
    X(test_response_accessors)                                                                     \
    X(test_error_slot_rule)                                                                        \
    X(test_messages_name_parameters)                                                               \
    X(test_clients_share_an_auth)                                                                  \
    X(test_repeated_headers)                                                                       \
    X(test_empty_pairs)                                                                            \
    X(test_version_number)                                                                         \
    X(test_stream_to_the_end_and_abandoned)                                                        \
    X(test_stream_slow_drip_times_out)                                                             \
    X(test_polite_retries)                                                                         \
    X(test_token_follows_its_file)                                                                 \
    X(test_stream_read_ends_on_cancel_and_names_its_limit)                                         \
    X(test_browser_login)                                                                          \
    X(test_batch_get_many)

#define FW_DECLARE_TEST(name) void name(void);
FW_TEST_LIST(FW_DECLARE_TEST)
#undef FW_DECLARE_TEST

#endif /* FW_TESTS_H */
