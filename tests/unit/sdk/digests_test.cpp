#include "sluice/sdk/digests.hpp"

#include <gtest/gtest.h>

namespace sluice::sdk {
namespace {

TEST(Digests, Md5OfBodyIsLowerCaseHex) {
  EXPECT_EQ(md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
}

TEST(Digests, Md5OfAttributesMatchesTheWorkedExampleInTheSqsSpec) {
  MessageAttributes attrs{{"city", {"String", "Paris"}},
                          {"count", {"Number", "42"}},
                          {"blob", {"Binary", std::string("\x00\xff", 2)}}};
  EXPECT_EQ(md5_of_attributes(attrs), "19751fd942123fac5eb9de20f9407dfd");
}

TEST(Digests, Md5OfAttributesMatchesAwsStringSample) {
  MessageAttributes attrs{{"test_attribute_name_1", {"String", "test_attribute_value_1"}},
                          {"test_attribute_name_2", {"String", "test_attribute_value_2"}}};
  EXPECT_EQ(md5_of_attributes(attrs), "d53f3b558fe951154770f25cb63dbba9");
}

TEST(Digests, Md5OfAttributesMatchesAwsBinarySample) {
  MessageAttributes attrs{{"test_attribute_name", {"Binary", "test_attribute_value"}}};
  EXPECT_EQ(md5_of_attributes(attrs), "23f6bd27ea87aab7dfeadcc9aebee495");
}

TEST(Digests, Md5OfSystemAttributesMatchesTraceHeaderExample) {
  MessageAttributes attrs{
      {"AWSTraceHeader",
       {"String", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}}};
  EXPECT_EQ(md5_of_attributes(attrs), "5ae4d5d7636402d80f4eb6d213245a88");
}

TEST(Digests, EmptyAttributeMapHasNoDigest) { EXPECT_EQ(md5_of_attributes({}), ""); }

TEST(Digests, Sha256OfBodyIsTheContentDeduplicationId) {
  EXPECT_EQ(sha256_hex("hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

}  // namespace
}  // namespace sluice::sdk
